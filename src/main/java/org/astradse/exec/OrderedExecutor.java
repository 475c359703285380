package org.astradse.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;

/**
 * Runs independent tasks — one per id in [from, to) — on worker threads and hands their results to a sink in id
 * order, on the calling thread, so output can be streamed and is the same whatever the thread count.
 *
 * <p>Workers claim the next id from a counter; a semaphore of {@code window} permits keeps the claimed but not yet
 * delivered ids below {@code window}, which bounds memory whatever the number of ids (the outstanding ids are
 * always a contiguous range starting at the next one to deliver, so each has its own slot of a ring buffer). A
 * worker publishes its result in the slot and wakes the caller, which delivers the results in order: writing
 * happens outside the workers, which never wait on each other or on the sink — only on a free permit.
 *
 * <p>A task's exception stops the run and is rethrown by {@link #run}. When {@code stop} becomes true, workers
 * claim no more ids; everything claimed is finished and delivered, and {@link #run} returns the next id not
 * delivered (a clean cut: the sink saw exactly [from, that id)). If the calling thread is interrupted the run stops
 * the same way, the interrupt status is restored and an {@link InterruptedException}-caused exception is thrown.
 */
public final class OrderedExecutor {
    /** Receives results in id order. */
    public interface Sink<R> {
        void accept(long id, R result);
    }

    /** Results the caller waits for at once (it still wakes every millisecond to deliver what is ready). */
    private static final int BATCH = 64;

    private OrderedExecutor() {
    }

    /** Runs every id; see {@link #run(long, long, int, int, LongFunction, Sink, BooleanSupplier, Runnable)}. */
    public static <R> long run(long from, long to, int threads, int window, LongFunction<R> task, Sink<R> sink) {
        return run(from, to, threads, window, task, sink, () -> false, () -> { });
    }

    /**
     * @param threads worker threads (≥ 1)
     * @param window  ids a worker may run ahead of the sink (raised to at least 4 × threads)
     * @param stop    polled before each id is claimed: true stops the run cleanly
     * @param idle    called on the caller's thread when it has waited a millisecond for the next result (e.g. to flush
     *                what the sink buffered), at most once per id
     * @return the first id not delivered: {@code to}, unless stopped
     */
    public static <R> long run(long from, long to, int threads, int window, LongFunction<R> task, Sink<R> sink,
                               BooleanSupplier stop, Runnable idle) {
        if (threads < 1) throw new IllegalArgumentException("threads must be >= 1");
        if (from >= to) return from;
        int slots = Math.max(window, threads * 4);
        int batch = Math.max(1, Math.min(BATCH, slots / 8));
        AtomicReferenceArray<Object> results = new AtomicReferenceArray<>(slots);
        Semaphore permits = new Semaphore(slots);
        AtomicLong next = new AtomicLong(from);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicInteger running = new AtomicInteger(threads);
        Thread caller = Thread.currentThread();
        AtomicInteger workerNumber = new AtomicInteger();
        AtomicLong waitingFor = new AtomicLong(-1); // the id the caller is parked on, or −1: wake it only for that one
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "astradse-worker-" + workerNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        long delivered = from;
        long idleAt = -1; // the id for which idle() was last called
        boolean interrupted = false;
        try {
            Runnable worker = () -> {
                try {
                    while (failure.get() == null && !stop.getAsBoolean()) {
                        permits.acquire();
                        if (stop.getAsBoolean()) break; // the permit is not used: no one waits for it any more
                        long id = next.getAndIncrement();
                        if (id >= to) {
                            next.set(to); // keep the counter from growing past the end
                            break;
                        }
                        Object r = java.util.Objects.requireNonNull(task.apply(id), "task result");
                        results.set((int) ((id - from) % slots), r);
                        if (waitingFor.get() == id) LockSupport.unpark(caller);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // the pool is shutting down: just stop
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                } finally {
                    running.decrementAndGet();
                    LockSupport.unpark(caller);
                }
            };
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) futures.add(pool.submit(worker));
            while (delivered < to) {
                int slot = (int) ((delivered - from) % slots);
                Object r = results.get(slot);
                if (r == null) {
                    if (failure.get() != null) break;
                    // stopped: nothing more will come once every worker has left and this id was never claimed
                    if (running.get() == 0 && delivered >= Math.min(next.get(), to)) break;
                    if (Thread.interrupted()) {
                        interrupted = true;
                        failure.compareAndSet(null, new InterruptedException("interrupted"));
                        break;
                    }
                    // wait for a batch, not for each result: a wake-up per row costs as much CPU as the row's
                    // writing, and on a machine with as many workers as cores it is taken from the workers
                    long target = Math.min(delivered + batch - 1, to - 1);
                    waitingFor.set(target);
                    if (results.get((int) ((target - from) % slots)) == null) LockSupport.parkNanos(1_000_000L); // re-checked: no lost wake-up
                    waitingFor.set(-1);
                    // still waiting after a millisecond: a long point; let the sink flush meanwhile (once per id)
                    if (results.get(slot) == null && idleAt != delivered) {
                        idleAt = delivered;
                        idle.run();
                    }
                    continue;
                }
                results.set(slot, null);
                @SuppressWarnings("unchecked")
                R ready = (R) r;
                sink.accept(delivered, ready);
                delivered++;
                permits.release();
            }
        } catch (RuntimeException | Error e) {
            failure.compareAndSet(null, e); // the sink failed: stop the workers
            throw e;
        } finally {
            pool.shutdownNow();
            try {
                if (!pool.awaitTermination(60, TimeUnit.SECONDS)) failure.compareAndSet(null, new IllegalStateException("workers did not stop"));
            } catch (InterruptedException e) {
                interrupted = true;
            }
            if (interrupted) Thread.currentThread().interrupt();
        }
        Throwable t = failure.get();
        if (t instanceof InterruptedException ie) throw new IllegalStateException("interrupted", ie);
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error err) throw err;
        if (t != null) throw new IllegalStateException(t);
        return delivered;
    }
}
