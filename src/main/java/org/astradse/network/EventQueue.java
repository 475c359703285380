package org.astradse.network;

import java.util.Arrays;

/**
 * The discrete-event list: events ordered by time, same-time events in scheduling order (FIFO), as in the
 * reference; events scheduled with {@link #scheduleLast} come after the ordinary ones of their time, in key order.
 * An event is a kind and four int arguments stored in primitive arrays (no allocation per event);
 * {@link #poll()} makes the earliest event current and its fields readable until the next poll.
 *
 * <p>Kinds below {@link #FIRST_USER_KIND} belong to the network layer; upper layers use their own.
 */
public final class EventQueue {
    /** A message reaches its destination NPU: (deliverNpu, stream, phase, srcNpu). */
    public static final int DELIVER = 1;
    /** A message reaches an intermediate device (congestion-aware model): (messageId, -, -, -). */
    public static final int HOP = 2;
    public static final int FIRST_USER_KIND = 16;
    private static final long LAST = 1L << 61; // same-time order of scheduleLast events; scheduling order stays below

    private long[] time = new long[64];
    private long[] seq = new long[64];
    private int[] kind = new int[64];
    private int[] a = new int[64];
    private int[] b = new int[64];
    private int[] c = new int[64];
    private int[] d = new int[64];
    private int[] heap = new int[64];
    private int[] free = new int[64];
    private int freeCount;
    private int slotsUsed;
    private int size;
    private long nextSeq;

    private long curTime;
    private int curKind;
    private int curA;
    private int curB;
    private int curC;
    private int curD;

    public void clear() {
        size = 0;
        freeCount = 0;
        slotsUsed = 0;
        nextSeq = 0;
        curTime = 0;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public int size() {
        return size;
    }

    /** Schedules an event; {@code at} must not be earlier than the current event's time. */
    public void schedule(long at, int eventKind, int argA, int argB, int argC, int argD) {
        insert(at, nextSeq++, eventKind, argA, argB, argC, argD);
    }

    /**
     * Schedules an event that runs after every event scheduled with {@link #schedule} for the same time; such
     * events run in ascending {@code key} (0 ≤ key < 2^61; one key per event and time). Same-time order is one
     * long per event, so this costs the ordinary events nothing.
     */
    public void scheduleLast(long at, long key, int eventKind, int argA, int argB, int argC, int argD) {
        if (key < 0 || key >= LAST) throw new IllegalArgumentException("key " + key);
        insert(at, LAST + key, eventKind, argA, argB, argC, argD);
    }

    private void insert(long at, long order, int eventKind, int argA, int argB, int argC, int argD) {
        int slot = freeCount > 0 ? free[--freeCount] : newSlot();
        time[slot] = at;
        seq[slot] = order;
        kind[slot] = eventKind;
        a[slot] = argA;
        b[slot] = argB;
        c[slot] = argC;
        d[slot] = argD;
        if (size == heap.length) heap = Arrays.copyOf(heap, size * 2);
        int i = size++;
        // sift up
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            int ps = heap[parent];
            if (!less(slot, ps)) break;
            heap[i] = ps;
            i = parent;
        }
        heap[i] = slot;
    }

    /** Removes the earliest event and makes it current. */
    public void poll() {
        int top = heap[0];
        curTime = time[top];
        curKind = kind[top];
        curA = a[top];
        curB = b[top];
        curC = c[top];
        curD = d[top];
        if (freeCount == free.length) free = Arrays.copyOf(free, free.length * 2);
        free[freeCount++] = top;
        int last = heap[--size];
        if (size > 0) {
            // sift down
            int i = 0;
            int half = size >>> 1;
            while (i < half) {
                int child = 2 * i + 1;
                int cs = heap[child];
                int right = child + 1;
                if (right < size && less(heap[right], cs)) {
                    child = right;
                    cs = heap[child];
                }
                if (!less(cs, last)) break;
                heap[i] = cs;
                i = child;
            }
            heap[i] = last;
        }
    }

    public long time() {
        return curTime;
    }

    public int kind() {
        return curKind;
    }

    public int a() {
        return curA;
    }

    public int b() {
        return curB;
    }

    public int c() {
        return curC;
    }

    public int d() {
        return curD;
    }

    private boolean less(int s1, int s2) {
        long t1 = time[s1];
        long t2 = time[s2];
        return t1 < t2 || (t1 == t2 && seq[s1] < seq[s2]);
    }

    private int newSlot() {
        if (slotsUsed == time.length) {
            int n = time.length * 2;
            time = Arrays.copyOf(time, n);
            seq = Arrays.copyOf(seq, n);
            kind = Arrays.copyOf(kind, n);
            a = Arrays.copyOf(a, n);
            b = Arrays.copyOf(b, n);
            c = Arrays.copyOf(c, n);
            d = Arrays.copyOf(d, n);
        }
        return slotsUsed++;
    }
}
