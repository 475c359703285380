package org.astradse.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM / SIGINT (Ctrl-C, a batch system's time limit, {@code kill}) during a sweep or search: the JVM runs its
 * shutdown hooks, and this one asks the run to stop ({@link #requested()}) and waits until it has written the points
 * in flight and an {@code interrupted} manifest ({@link #close()}), at most a minute. {@code kill -9} cannot be
 * caught; points.csv is a journal, so {@code --resume} handles that too.
 */
final class StopOnSignal implements AutoCloseable {
    private volatile boolean requested;
    private final CountDownLatch done = new CountDownLatch(1);
    private final Thread hook = new Thread(this::onSignal, "astradse-stop");

    StopOnSignal() {
        Runtime.getRuntime().addShutdownHook(hook);
    }

    boolean requested() {
        return requested;
    }

    private void onSignal() {
        requested = true;
        try {
            done.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The run has finished (or stopped and written what it had). */
    @Override
    public void close() {
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down: the hook is running and now returns
        }
    }
}
