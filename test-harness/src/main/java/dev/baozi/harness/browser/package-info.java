/** Drives Debian's headless Chromium through ChromeDriver for the web UI's end-to-end tests, with axe-core accessibility checks. */
package dev.baozi.harness.browser;
