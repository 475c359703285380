package org.astradse.exec;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Runs independent tasks — one per id in [from, to) — on a ForkJoinPool and hands their results to a sink in id
 * order, so output can be streamed and is the same whatever the thread count. Workers take the next id from a
 * counter and never run more than {@code window} ids ahead of the sink, which bounds memory whatever the number
 * of ids. The sink is called on worker threads, one call at a time. Tasks must not return null.
 */
public final class OrderedExecutor {
    /** Receives results in id order. */
    public interface Sink<R> {
        void accept(long id, R result);
    }

    private OrderedExecutor() {
    }

    /**
     * @param threads worker threads (≥ 1)
     * @param window  how far ahead of the sink a worker may run (≥ threads)
     */
    public static <R> void run(long from, long to, int threads, int window, LongFunction<R> task, Sink<R> sink) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        if (from >= to) return;
        int slots = Math.max(window, threads * 4);
        Object[] pending = new Object[slots];
        AtomicLong next = new AtomicLong(from);
        Object lock = new Object();
        long[] delivered = {from}; // next id to hand to the sink, guarded by lock
        Throwable[] failure = {null};
        ForkJoinPool pool = new ForkJoinPool(threads);
        try {
            Runnable worker = () -> {
                while (true) {
                    long id = next.getAndIncrement();
                    if (id >= to) return;
                    synchronized (lock) {
                        while (id - delivered[0] >= slots && failure[0] == null) {
                            try {
                                lock.wait();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            }
                        }
                        if (failure[0] != null) return;
                    }
                    R r;
                    try {
                        r = java.util.Objects.requireNonNull(task.apply(id), "task result");
                    } catch (Throwable t) {
                        synchronized (lock) {
                            if (failure[0] == null) failure[0] = t;
                            lock.notifyAll();
                        }
                        return;
                    }
                    synchronized (lock) {
                        pending[(int) (id % slots)] = r;
                        try {
                            while (delivered[0] < to && pending[(int) (delivered[0] % slots)] != null) {
                                int slot = (int) (delivered[0] % slots);
                                @SuppressWarnings("unchecked")
                                R ready = (R) pending[slot];
                                pending[slot] = null;
                                sink.accept(delivered[0], ready);
                                delivered[0]++;
                            }
                        } catch (Throwable t) {
                            if (failure[0] == null) failure[0] = t;
                        }
                        lock.notifyAll();
                        if (failure[0] != null) return;
                    }
                }
            };
            var futures = new java.util.ArrayList<java.util.concurrent.Future<?>>();
            for (int i = 0; i < threads; i++) futures.add(pool.submit(worker));
            for (var f : futures) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (java.util.concurrent.ExecutionException e) {
                    throw new IllegalStateException(e.getCause());
                }
            }
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure[0] instanceof RuntimeException re) throw re;
        if (failure[0] instanceof Error err) throw err;
        if (failure[0] != null) throw new IllegalStateException(failure[0]);
    }
}
