package dev.baozi.orchestrator.netbox;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a deployment's address comes from: a NetBox prefix ({@code 10.0.0.0/24}) or IP range
 * ({@code 10.0.0.10-10.0.0.50}), as a person names it. {@link #parse} checks the form only;
 * whether NetBox has it is the client's question.
 */
public sealed interface Pool {

    record Prefix(String cidr) implements Pool {
        @Override
        public String toString() {
            return "prefix " + cidr;
        }
    }

    record Range(String start, String end) implements Pool {
        @Override
        public String toString() {
            return "IP range " + start + "-" + end;
        }
    }

    Pattern V4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    Pattern V6 = Pattern.compile("[0-9a-fA-F:]*:[0-9a-fA-F:]*");

    /** The pool a text names, or empty when it is neither {@code address/length} nor {@code start-end}. */
    static Optional<Pool> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String t = text.strip();
        int slash = t.indexOf('/');
        if (slash > 0) {
            String address = t.substring(0, slash);
            String length = t.substring(slash + 1);
            if (!length.matches("\\d{1,3}")) {
                return Optional.empty();
            }
            int bits = Integer.parseInt(length);
            if (V4.matcher(address).matches() && bits <= 32 || V6.matcher(address).matches() && bits <= 128) {
                return Optional.of(new Prefix(address.toLowerCase(java.util.Locale.ROOT) + "/" + bits));
            }
            return Optional.empty();
        }
        int dash = t.indexOf('-');
        if (dash > 0) {
            String start = t.substring(0, dash).strip();
            String end = t.substring(dash + 1).strip();
            boolean v4 = V4.matcher(start).matches() && V4.matcher(end).matches();
            boolean v6 = V6.matcher(start).matches() && V6.matcher(end).matches();
            if (v4 || v6) {
                return Optional.of(new Range(start, end));
            }
        }
        return Optional.empty();
    }
}
