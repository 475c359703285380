package org.astradse.report;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.astradse.InputException;

/**
 * One results folder, one run: an exclusive lock on {@code DIR/.lock} held for the whole run. While held, the file
 * says who holds it (pid, host, start) for the message a second run gets; it is emptied, not deleted, at the end.
 * The lock is the operating system's, so it goes with its process: a lock left by a killed run is simply taken over. Runs in one JVM (tests) are
 * kept apart by a set of held folders, since one JVM cannot lock a file twice.
 */
public final class FolderLock implements AutoCloseable {
    private static final Set<Path> HELD = new HashSet<>();

    private final Path dir;
    private final Path file;
    private final RandomAccessFile raf;
    private final FileLock lock;

    private FolderLock(Path dir, Path file, RandomAccessFile raf, FileLock lock) {
        this.dir = dir;
        this.file = file;
        this.raf = raf;
        this.lock = lock;
    }

    /** Takes the folder (creating it), or refuses with who holds it. */
    public static FolderLock acquire(Path dir) {
        Path key;
        Path file = dir.resolve(".lock");
        RandomAccessFile raf = null;
        try {
            Files.createDirectories(dir);
            key = dir.toRealPath();
            synchronized (HELD) {
                if (HELD.contains(key)) throw busy(dir, owner(file));
                raf = new RandomAccessFile(file.toFile(), "rw");
                FileLock lock;
                try {
                    lock = raf.getChannel().tryLock();
                } catch (OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    String who = owner(file);
                    raf.close();
                    throw busy(dir, who);
                }
                FileChannel ch = raf.getChannel();
                ch.truncate(0);
                ch.write(java.nio.ByteBuffer.wrap(describeSelf().getBytes(StandardCharsets.UTF_8)), 0);
                ch.force(false);
                HELD.add(key);
                return new FolderLock(key, file, raf, lock);
            }
        } catch (IOException e) {
            try {
                if (raf != null) raf.close();
            } catch (IOException ignored) {
                // already failing
            }
            throw new InputException("cannot lock the results folder " + dir + ": " + InputException.folderProblem(dir, e));
        }
    }

    private static InputException busy(Path dir, String who) {
        return new InputException(dir + " is in use by another run (" + who + "); two runs never share a results "
                + "folder: wait for it to finish, or use another --out");
    }

    private static String owner(Path file) {
        try {
            String s = Files.readString(file, StandardCharsets.UTF_8).trim();
            return s.isEmpty() ? "owner unknown" : s;
        } catch (IOException e) {
            return "owner unknown";
        }
    }

    private static String describeSelf() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        String pid = Long.toString(ProcessHandle.current().pid());
        return "pid " + pid + " on " + host + " since " + Instant.now();
    }

    /**
     * Releases the folder. The lock file stays (emptied): deleting it before the release would let a run that had
     * opened it lock a file no longer in the folder while a third run locks a new one.
     */
    @Override
    public void close() {
        synchronized (HELD) {
            try {
                raf.getChannel().truncate(0);
            } catch (IOException e) {
                // the owner line is only information
            } finally {
                try {
                    lock.release();
                } catch (IOException e) {
                    // released with the channel below anyway
                }
                try {
                    raf.close();
                } catch (IOException e) {
                    // nothing more to free
                }
                HELD.remove(dir);
            }
        }
    }
}
