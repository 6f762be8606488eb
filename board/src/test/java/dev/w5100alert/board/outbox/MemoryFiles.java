package dev.w5100alert.board.outbox;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * {@link OutboxFiles} in memory that records every operation, and rebuilds from that record each state a power
 * cut could leave on storage.
 *
 * <p>The storage model (what ext4 and most flash file systems promise, no more): data written to a file is
 * durable once that file is forced; until then any subset of its unforced writes may be on storage, and one of
 * them torn at any byte. Creating, renaming and deleting names is durable once the directory is forced; until
 * then a prefix of those operations (journal order) may be on storage. Files are inodes: a rename moves the
 * name, the data stays with the inode.
 */
final class MemoryFiles implements OutboxFiles {

    sealed interface Op permits Write, Truncate, Force, Link, Rename, Unlink, DirSync { }

    record Write(int inode, long pos, byte[] bytes) implements Op { }

    record Truncate(int inode, long size) implements Op { }

    record Force(int inode) implements Op { }

    record Link(Path path, int inode) implements Op { }

    record Rename(Path from, Path to) implements Op { }

    record Unlink(Path path) implements Op { }

    record DirSync() implements Op { }

    private final List<Op> ops = new ArrayList<>();
    private final Map<Path, Integer> names = new HashMap<>();
    private final List<byte[]> data = new ArrayList<>();
    private final Map<Path, Integer> initialNames;
    private final Map<Integer, byte[]> initialData = new HashMap<>();
    private final Set<Path> locks = new HashSet<>();

    MemoryFiles() {
        this(Map.of());
    }

    /** Starts from a durable state: these files with these contents. */
    MemoryFiles(Map<Path, byte[]> image) {
        for (Map.Entry<Path, byte[]> e : image.entrySet()) {
            int ino = data.size();
            data.add(e.getValue().clone());
            initialData.put(ino, e.getValue().clone());
            names.put(e.getKey(), ino);
        }
        initialNames = new HashMap<>(names);
    }

    int opCount() {
        return ops.size();
    }

    List<Op> ops() {
        return List.copyOf(ops);
    }

    /** What the running process sees now (all writes, forced or not). */
    Map<Path, byte[]> live() {
        Map<Path, byte[]> out = new LinkedHashMap<>();
        names.forEach((p, ino) -> out.put(p, data.get(ino).clone()));
        return out;
    }

    byte[] content(Path p) {
        Integer ino = names.get(p);
        return ino == null ? null : data.get(ino).clone();
    }

    // ------------------------------------------------------------------ OutboxFiles

    @Override
    public boolean exists(Path file) {
        return names.containsKey(file);
    }

    @Override
    public void createDirectories(Path dir) {
        // directories are implicit
    }

    @Override
    public byte[] read(Path file, long maxBytes) throws IOException {
        Integer ino = names.get(file);
        if (ino == null) {
            throw new IOException("no such file: " + file);
        }
        if (data.get(ino).length > maxBytes) {
            throw new IOException(file + " too large");
        }
        return data.get(ino).clone();
    }

    @Override
    public Handle open(Path file) {
        Integer existing = names.get(file);
        int ino;
        if (existing == null) {
            ino = data.size();
            data.add(new byte[0]);
            names.put(file, ino);
            ops.add(new Link(file, ino));
        } else {
            ino = existing;
        }
        return new Handle() {
            @Override
            public long size() {
                return data.get(ino).length;
            }

            @Override
            public void write(long position, byte[] src, int off, int len) {
                byte[] bytes = Arrays.copyOfRange(src, off, off + len);
                data.set(ino, applyWrite(data.get(ino), position, bytes));
                ops.add(new Write(ino, position, bytes));
            }

            @Override
            public void force() {
                ops.add(new Force(ino));
            }

            @Override
            public void truncate(long size) {
                data.set(ino, Arrays.copyOf(data.get(ino), (int) Math.min(size, data.get(ino).length)));
                ops.add(new Truncate(ino, size));
            }

            @Override
            public void close() {
                // nothing to release
            }
        };
    }

    @Override
    public void replace(Path from, Path to) throws IOException {
        Integer ino = names.remove(from);
        if (ino == null) {
            throw new IOException("no such file: " + from);
        }
        names.put(to, ino);
        ops.add(new Rename(from, to));
    }

    @Override
    public void delete(Path file) {
        if (names.remove(file) != null) {
            ops.add(new Unlink(file));
        }
    }

    @Override
    public void forceDirectory(Path dir) {
        ops.add(new DirSync());
    }

    @Override
    public List<String> list(Path dir) {
        List<String> out = new ArrayList<>();
        for (Path p : names.keySet()) {
            if (dir.equals(p.getParent())) {
                out.add(p.getFileName().toString());
            }
        }
        return out;
    }

    @Override
    public AutoCloseable tryLock(Path file) {
        if (!locks.add(file)) {
            return null;
        }
        return () -> locks.remove(file);
    }

    // ------------------------------------------------------------------ crash states

    private static byte[] applyWrite(byte[] d, long position, byte[] bytes) {
        int end = (int) position + bytes.length;
        byte[] out = end > d.length ? Arrays.copyOf(d, end) : d.clone();
        System.arraycopy(bytes, 0, out, (int) position, bytes.length);
        return out;
    }

    private static byte[] apply(byte[] d, Op op) {
        if (op instanceof Write w) {
            return applyWrite(d, w.pos(), w.bytes());
        }
        Truncate t = (Truncate) op;
        return Arrays.copyOf(d, (int) Math.min(t.size(), d.length));
    }

    /**
     * Every state storage may hold after a power cut once the first {@code t} operations ran (sampled down to
     * {@code cap} states with {@code random} when there are more).
     */
    List<Map<Path, byte[]>> crashStates(int t, int cap, SplittableRandom random) {
        // Names: durable up to the last directory sync; after it, any prefix of the name operations.
        int lastSync = -1;
        for (int i = 0; i < t; i++) {
            if (ops.get(i) instanceof DirSync) {
                lastSync = i;
            }
        }
        Map<Path, Integer> durableNames = new HashMap<>(initialNames);
        List<Op> tailNameOps = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            Op op = ops.get(i);
            if (op instanceof Link || op instanceof Rename || op instanceof Unlink) {
                if (i < lastSync) {
                    applyName(durableNames, op);
                } else {
                    tailNameOps.add(op);
                }
            }
        }
        List<Map<Path, Integer>> nameOptions = new ArrayList<>();
        Map<Path, Integer> ns = new HashMap<>(durableNames);
        nameOptions.add(new HashMap<>(ns));
        for (Op op : tailNameOps) {
            applyName(ns, op);
            nameOptions.add(new HashMap<>(ns));
        }
        // Data per inode: durable up to its last force; after it, subsets of the writes, one of them torn.
        Map<Integer, List<byte[]>> dataOptions = new HashMap<>();
        for (int ino = 0; ino < data.size(); ino++) {
            dataOptions.put(ino, dataOptions(ino, t));
        }
        List<Map<Path, byte[]>> states = new ArrayList<>();
        for (Map<Path, Integer> names : nameOptions) {
            List<Path> paths = new ArrayList<>(names.keySet());
            paths.sort(null);
            long combos = 1;
            for (Path p : paths) {
                combos = Math.min(Long.MAX_VALUE / 1024, combos * dataOptions.get(names.get(p)).size());
            }
            if (combos <= cap) {
                int[] idx = new int[paths.size()];
                for (long c = 0; c < combos; c++) {
                    long rest = c;
                    for (int k = 0; k < paths.size(); k++) {
                        int n = dataOptions.get(names.get(paths.get(k))).size();
                        idx[k] = (int) (rest % n);
                        rest /= n;
                    }
                    states.add(image(paths, names, dataOptions, idx));
                }
            } else {
                int[] idx = new int[paths.size()];
                for (int s = 0; s < cap; s++) {
                    for (int k = 0; k < paths.size(); k++) {
                        idx[k] = random.nextInt(dataOptions.get(names.get(paths.get(k))).size());
                    }
                    states.add(image(paths, names, dataOptions, idx));
                }
            }
        }
        return states;
    }

    private static Map<Path, byte[]> image(List<Path> paths, Map<Path, Integer> names,
                                           Map<Integer, List<byte[]>> dataOptions, int[] idx) {
        Map<Path, byte[]> img = new HashMap<>();
        for (int k = 0; k < paths.size(); k++) {
            img.put(paths.get(k), dataOptions.get(names.get(paths.get(k))).get(idx[k]));
        }
        return img;
    }

    private List<byte[]> dataOptions(int ino, int t) {
        int lastForce = -1;
        for (int i = 0; i < t; i++) {
            if (ops.get(i) instanceof Force f && f.inode() == ino) {
                lastForce = i;
            }
        }
        byte[] durable = initialData.getOrDefault(ino, new byte[0]);
        List<Op> unforced = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            Op op = ops.get(i);
            int opIno = op instanceof Write w ? w.inode() : op instanceof Truncate tr ? tr.inode() : -1;
            if (opIno != ino) {
                continue;
            }
            if (i < lastForce) {
                durable = apply(durable, op);
            } else {
                unforced.add(op);
            }
        }
        List<byte[]> out = new ArrayList<>();
        int u = unforced.size();
        if (u <= 6) {
            for (int mask = 0; mask < (1 << u); mask++) {
                byte[] d = durable;
                for (int j = 0; j < u; j++) {
                    if ((mask & (1 << j)) != 0) {
                        d = apply(d, unforced.get(j));
                    }
                }
                out.add(d);
            }
        } else { // in order: each prefix of the writes
            byte[] d = durable;
            out.add(d);
            for (Op op : unforced) {
                d = apply(d, op);
                out.add(d);
            }
        }
        // Torn: the writes before it all made it, this one up to some byte.
        byte[] d = durable;
        for (Op op : unforced) {
            if (op instanceof Write w) {
                for (int k = 1; k < w.bytes().length; k++) {
                    out.add(applyWrite(d, w.pos(), Arrays.copyOf(w.bytes(), k)));
                }
            }
            d = apply(d, op);
        }
        return out;
    }

    private static void applyName(Map<Path, Integer> names, Op op) {
        if (op instanceof Link l) {
            names.put(l.path(), l.inode());
        } else if (op instanceof Rename r) {
            Integer ino = names.remove(r.from());
            if (ino != null) {
                names.put(r.to(), ino);
            }
        } else if (op instanceof Unlink u) {
            names.remove(u.path());
        }
    }
}
