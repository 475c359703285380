package org.astradse.sweep;

import java.io.Serializable;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntFunction;
import org.astradse.exec.OrderedExecutor;
import org.astradse.report.PointRow;

/**
 * Where design points are evaluated: this JVM's threads ({@link Local}, the default) or a cluster engine (the Spark
 * engine of {@code astradse-spark.jar}). Every engine runs the same {@link Job#evaluate} and hands the rows back in
 * point order, so the files do not depend on the engine.
 */
public interface PointEngine {
    /** Threads or executor cores (for the manifest's timing). */
    int parallelism();

    /**
     * Evaluates points {@code j ∈ [from, total)} of {@code job} and hands each row to {@code sink} in {@code j} order;
     * returns the {@code j} reached ({@code total}, or less when {@code stop} turned true).
     */
    long run(Job job, long from, long total, org.astradse.exec.OrderedExecutor.Sink<PointRow> sink, BooleanSupplier stop, Runnable flush);

    /**
     * What to evaluate, in a form another JVM can rebuild: the spec file (parsed again where the job runs) and either
     * a grid's ids {@code firstId + j·stride} or a list of points (a search's generation: {@code firstId + j} with the
     * domains' element indices).
     */
    final class Job implements Serializable {
        private static final long serialVersionUID = 1L;
        private final transient DesignSpace space; // on the driver; another JVM parses specFile again
        private final String specFile;
        private String specHash; // computed when an engine ships the job (the local one never needs it)
        private final long firstId;
        private final long stride;
        private final List<long[]> points;

        private Job(DesignSpace space, String specFile, long firstId, long stride, List<long[]> points) {
            this.space = space;
            this.specFile = specFile;
            this.firstId = firstId;
            this.stride = stride;
            this.points = points == null ? null : new java.util.ArrayList<>(points);
        }

        /** A grid sweep's job (ids {@code firstId + j·stride}). */
        public static Job grid(DesignSpace space, long firstId, long stride) {
            return new Job(space, space.spec().file().toAbsolutePath().toString(), firstId, stride, null);
        }

        /** A list of points with ids {@code firstId + j}. */
        public static Job points(DesignSpace space, long firstId, List<long[]> points) {
            return new Job(space, space.spec().file().toAbsolutePath().toString(), firstId, 1, points);
        }

        /** The space on the driver (null after deserialisation). */
        public DesignSpace space() {
            return space;
        }

        public String specFile() {
            return specFile;
        }

        /**
         * The spec's identity ({@link Manifests#specIdentity}, computed on the driver once per spec: a search's every
         * generation would otherwise re-read its inputs): another JVM checks its parse gives the same.
         */
        public synchronized String identity() {
            if (specHash == null) specHash = IDENTITY.of(space.spec());
            return specHash;
        }

        private void writeObject(java.io.ObjectOutputStream out) throws java.io.IOException {
            identity();
            out.defaultWriteObject();
        }

        /** The last spec's identity, by reference (one run's spec object lives as long as the run). */
        private static final class IdentityCache {
            private Object spec;
            private String id;

            synchronized String of(SweepSpec s) {
                if (spec != s) {
                    id = Manifests.specIdentity(s);
                    spec = s;
                }
                return id;
            }
        }

        private static final IdentityCache IDENTITY = new IdentityCache();

        public PointRow evaluate(DesignSpace s, long j) {
            if (points == null) return s.evaluate(firstId + j * stride);
            return s.evaluate(firstId + j, points.get((int) j));
        }
    }

    /** The local engine: an {@link OrderedExecutor} over this JVM's threads. */
    record Local(int threads) implements PointEngine {
        @Override
        public int parallelism() {
            return threads;
        }

        @Override
        public long run(Job job, long from, long total, org.astradse.exec.OrderedExecutor.Sink<PointRow> sink, BooleanSupplier stop, Runnable flush) {
            return OrderedExecutor.run(from, total, threads, 1024, j -> job.evaluate(job.space(), j), sink, stop, flush);
        }
    }

    /** The engine a command uses for {@code threads} (the local one unless an entry point such as Spark's set another). */
    final class Factory {
        private static volatile IntFunction<PointEngine> factory = Local::new;

        private Factory() {
        }

        public static PointEngine create(int threads) {
            return factory.apply(threads);
        }

        /** Sets the engine every sweep and search of this JVM uses (Spark's entry point). */
        public static void set(IntFunction<PointEngine> f) {
            factory = f;
        }
    }
}
