package dev.baozi.harness;

/**
 * A server's "stop me when the JVM exits" hook and its closed flag in one: {@link #arm()} once it
 * has started, {@link #disarm()} first thing in {@code close()}, which goes on only when that was
 * the first close. A test that forgets to close still leaves no process or folder behind.
 */
public final class StopAtExit {

    private final Thread hook;
    private boolean armed;
    private boolean closed;

    /** An unarmed hook that runs {@code stop} (the owner's {@code close}) at JVM exit once armed. */
    public StopAtExit(String name, Runnable stop) {
        this.hook = new Thread(stop, name);
    }

    /** Registers the hook (once; not after a close). */
    public synchronized void arm() {
        if (!armed && !closed) {
            Runtime.getRuntime().addShutdownHook(hook);
            armed = true;
        }
    }

    /** Marks the owner closed and removes the hook; false when it was closed before, so the caller returns at once. */
    public synchronized boolean disarm() {
        if (closed) {
            return false;
        }
        closed = true;
        if (armed) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException exiting) {
                // We run inside the hook (or beside it): the JVM is exiting anyway.
            }
        }
        return true;
    }

    public synchronized boolean closed() {
        return closed;
    }
}
