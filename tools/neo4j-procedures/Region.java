package dev.graphledger.neo4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.eclipse.collections.impl.list.mutable.primitive.IntArrayList;
import org.eclipse.collections.impl.list.mutable.primitive.LongArrayList;
import org.eclipse.collections.impl.map.mutable.primitive.LongIntHashMap;
import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Transaction;
import org.neo4j.internal.kernel.api.CursorFactory;
import org.neo4j.internal.kernel.api.NodeCursor;
import org.neo4j.internal.kernel.api.PropertyCursor;
import org.neo4j.internal.kernel.api.Read;
import org.neo4j.internal.kernel.api.RelationshipTraversalCursor;
import org.neo4j.internal.kernel.api.TokenRead;
import org.neo4j.io.pagecache.context.CursorContext;
import org.neo4j.kernel.api.KernelTransaction;
import org.neo4j.kernel.impl.coreapi.InternalTransaction;
import org.neo4j.memory.MemoryTracker;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;
import org.neo4j.storageengine.api.PropertySelection;
import org.neo4j.storageengine.api.RelationshipSelection;

/**
 * graphledger.region: the part of the CI graph a walk reaches, in one call.
 *
 * <p>Breadth-first from the start CIs, following each relationship type in the direction the caller
 * gives (inbound: against the arrow, outbound: along it, both: either way), up to maxDepth steps and
 * at most `limit` CIs besides the starts (the CIs found by then still get every edge among them).
 * Each CI is visited once, so the work is linear in the CIs and relationships met; no path is ever
 * enumerated. What comes back is one row of parallel lists: the CIs reached in the product's order
 * (see canonical) with each one's distance, the CI it is first reached from, the details the
 * product shows and what redundancy needs; every walked relationship among them as index triples
 * (from, to, type); and whether anything lies beyond maxDepth. The caller works out the
 * down/degraded states from the relationships.
 *
 * <p>The walk reads through the kernel's cursors rather than Node and Relationship objects: one
 * relationship cursor per CI, filtered by type in the store, and primitive maps for what was seen.
 * On the benchmark estate that cut the cost per CI reached several times over.
 */
public class Region {

    private static final Label CI = Label.label("CI");
    private static final String[] SHOWN = {
        "key_lc", "key", "class", "name", "owner", "status", "min_members_up"
    };
    private static final int NOT_FOLLOWED = -1;

    @Context
    public Transaction tx;

    /** The single row graphledger.region yields. */
    public static class Result {
        public List<String> keys;
        public List<String> display;
        public List<String> classes;
        public List<String> names;
        public List<String> owners;
        public List<String> statuses;
        public List<Object> minMembersUp;
        public List<Long> members;
        public List<Long> depths; // steps from the nearest start
        public List<Long> parents; // index of the CI each is first reached from, -1 for starts
        public List<Long> edges;
        public List<String> types;
        public boolean beyondDepth;
    }

    /** Which relationship types are followed, and from which end, as the index of their name. */
    private static final class Steps {
        final List<String> names = new ArrayList<>();
        int[] fromTarget = new int[0]; // by type token: followed when the CI is the target
        int[] fromSource = new int[0]; // by type token: followed when the CI is the source
        final List<Integer> followedTokens = new ArrayList<>();

        void add(TokenRead tokens, List<String> typeNames, boolean againstArrow, boolean alongArrow) {
            for (String name : typeNames) {
                int typeIndex = names.size();
                names.add(name);
                int token = tokens.relationshipType(name);
                if (token < 0) {
                    continue; // no relationship of this type was ever written
                }
                grow(token + 1);
                if (againstArrow) {
                    fromTarget[token] = typeIndex;
                }
                if (alongArrow) {
                    fromSource[token] = typeIndex;
                }
                followedTokens.add(token);
            }
        }

        private void grow(int size) {
            if (fromTarget.length < size) {
                int old = fromTarget.length;
                fromTarget = Arrays.copyOf(fromTarget, size);
                fromSource = Arrays.copyOf(fromSource, size);
                Arrays.fill(fromTarget, old, size, NOT_FOLLOWED);
                Arrays.fill(fromSource, old, size, NOT_FOLLOWED);
            }
        }

        int followed(int token, boolean atTarget, boolean atSource) {
            if (token >= fromTarget.length) {
                return NOT_FOLLOWED;
            }
            int index = atTarget ? fromTarget[token] : NOT_FOLLOWED;
            return index == NOT_FOLLOWED && atSource ? fromSource[token] : index;
        }

        RelationshipSelection selection() {
            return RelationshipSelection.selection(
                    followedTokens.stream().mapToInt(Integer::intValue).distinct().toArray(),
                    Direction.BOTH);
        }
    }

    @Procedure(name = "graphledger.region", mode = Mode.READ)
    @Description("The CIs a breadth-first walk reaches and the walked relationships among them.")
    public Stream<Result> region(
            @Name("keys") List<String> keys,
            @Name("inbound") List<String> inbound,
            @Name("outbound") List<String> outbound,
            @Name("both") List<String> both,
            @Name("maxDepth") long maxDepth,
            @Name("limit") long limit) {
        KernelTransaction ktx = ((InternalTransaction) tx).kernelTransaction();
        TokenRead tokens = ktx.tokenRead();
        Read read = ktx.dataRead();
        CursorFactory cursors = ktx.cursors();
        CursorContext context = ktx.cursorContext();
        MemoryTracker memory = ktx.memoryTracker();

        Steps steps = new Steps();
        steps.add(tokens, inbound, true, false);
        steps.add(tokens, outbound, false, true);
        steps.add(tokens, both, true, true);
        int ciLabel = tokens.nodeLabel(CI.name());

        LongIntHashMap index = new LongIntHashMap();
        LongArrayList reached = new LongArrayList();
        IntArrayList levels = new IntArrayList();
        LongArrayList edges = new LongArrayList();
        boolean beyondDepth = false;
        try (NodeCursor node = cursors.allocateNodeCursor(context, memory);
                NodeCursor other = cursors.allocateNodeCursor(context, memory);
                PropertyCursor properties = cursors.allocatePropertyCursor(context, memory);
                RelationshipTraversalCursor relationships =
                        cursors.allocateRelationshipTraversalCursor(context, memory)) {
            Details details = new Details(tokens, properties);
            for (String key : keys) {
                Node start = tx.findNode(CI, "key_lc", key);
                if (start == null) {
                    continue;
                }
                @SuppressWarnings("removal")
                long id = start.getId(); // the kernel's own node id, to read through its cursors
                if (!index.containsKey(id)) {
                    read.singleNode(id, other);
                    if (other.next()) {
                        index.put(id, reached.size());
                        reached.add(id);
                        levels.add(0);
                        details.add(other);
                    }
                }
            }
            int starts = reached.size();
            RelationshipSelection selection = steps.selection();
            int levelStart = steps.followedTokens.isEmpty() ? reached.size() : 0;
            long depth = 0;
            while (levelStart < reached.size()) {
                int levelEnd = reached.size();
                for (int i = levelStart; i < levelEnd; i++) {
                    long from = reached.get(i);
                    read.singleNode(from, node);
                    if (!node.next()) {
                        continue;
                    }
                    node.relationships(relationships, selection);
                    while (relationships.next()) {
                        int typeIndex = steps.followed(
                                relationships.type(),
                                relationships.targetNodeReference() == from,
                                relationships.sourceNodeReference() == from);
                        if (typeIndex == NOT_FOLLOWED) {
                            continue;
                        }
                        long to = relationships.otherNodeReference();
                        int seen = index.getIfAbsent(to, NOT_FOLLOWED);
                        if (seen == NOT_FOLLOWED) {
                            if (depth >= maxDepth) {
                                // One CI beyond the cap is enough to say so; the rest of this
                                // level is read only for the edges among the CIs found.
                                if (!beyondDepth) {
                                    read.singleNode(to, other);
                                    beyondDepth = other.next() && other.hasLabel(ciLabel);
                                }
                                continue;
                            }
                            if (reached.size() - starts >= limit) {
                                // Full: the CIs already found still get every edge among them;
                                // the caller sees more than it asked for and marks the cut.
                                continue;
                            }
                            read.singleNode(to, other);
                            if (!other.next() || !other.hasLabel(ciLabel)) {
                                continue;
                            }
                            seen = reached.size();
                            index.put(to, seen);
                            reached.add(to);
                            levels.add((int) depth + 1);
                            details.add(other);
                        }
                        edges.add(i);
                        edges.add(seen);
                        edges.add(typeIndex);
                    }
                }
                levelStart = levelEnd;
                depth++;
            }
            Result result = canonical(details.result, starts, levels, edges);
            result.types = steps.names;
            result.beyondDepth = beyondDepth;
            return Stream.of(result);
        }
    }

    /** The shown properties and redundancy counts of the reached CIs, read as each is found. */
    private static final class Details {
        final Result result = new Result();
        private final PropertyCursor properties;
        private final int[] keyTokens = new int[SHOWN.length];
        private final PropertySelection shown;
        private final RelationshipSelection members;
        private final Object[] values = new Object[SHOWN.length];

        Details(TokenRead tokens, PropertyCursor properties) {
            this.properties = properties;
            for (int k = 0; k < SHOWN.length; k++) {
                keyTokens[k] = tokens.propertyKey(SHOWN[k]);
            }
            shown = PropertySelection.selection(Arrays.stream(keyTokens).filter(t -> t >= 0).toArray());
            int memberOf = tokens.relationshipType("MEMBER_OF");
            members = memberOf < 0 ? null : RelationshipSelection.selection(memberOf, Direction.INCOMING);
            result.keys = new ArrayList<>();
            result.display = new ArrayList<>();
            result.classes = new ArrayList<>();
            result.names = new ArrayList<>();
            result.owners = new ArrayList<>();
            result.statuses = new ArrayList<>();
            result.minMembersUp = new ArrayList<>();
            result.members = new ArrayList<>();
        }

        /** Append the CI the cursor stands on. */
        void add(NodeCursor node) {
            Arrays.fill(values, null);
            node.properties(properties, shown);
            while (properties.next()) {
                int key = properties.propertyKey();
                for (int k = 0; k < keyTokens.length; k++) {
                    if (keyTokens[k] == key) {
                        values[k] = properties.propertyValue().asObjectCopy();
                    }
                }
            }
            result.keys.add(text(values[0]));
            result.display.add(text(values[1]));
            result.classes.add(text(values[2]));
            result.names.add(text(values[3]));
            result.owners.add(text(values[4]));
            result.statuses.add(text(values[5]));
            result.minMembersUp.add(values[6]);
            result.members.add(members == null ? 0L : (long) node.degree(members));
        }
    }

    /**
     * The reached CIs in the order the product lists them, each with its distance and the CI it is
     * reached from: the starts as given, then by distance, then by the key of that CI, then by
     * key. A CI's parent is the lowest-keyed CI one step nearer with a walked relationship to it,
     * keys compared by code point. impact/engine.py's breadth_first defines the same order for the
     * walks it does itself, and a test holds the two to it.
     */
    private static Result canonical(Result found, int starts, IntArrayList levels, LongArrayList edges) {
        int size = found.keys.size();
        List<String> keys = found.keys;
        int[] parent = new int[size];
        Arrays.fill(parent, -1);
        for (int at = 0; at < edges.size(); at += 3) {
            int from = (int) edges.get(at);
            int to = (int) edges.get(at + 1);
            if (levels.get(to) == levels.get(from) + 1
                    && (parent[to] < 0 || byCodePoint(keys.get(from), keys.get(parent[to])) < 0)) {
                parent[to] = from;
            }
        }
        Integer[] order = new Integer[size - starts];
        for (int i = starts; i < size; i++) {
            order[i - starts] = i;
        }
        Arrays.sort(order, (a, b) -> {
            int byLevel = Integer.compare(levels.get(a), levels.get(b));
            if (byLevel != 0) {
                return byLevel;
            }
            int byParent = byCodePoint(keys.get(parent[a]), keys.get(parent[b]));
            return byParent != 0 ? byParent : byCodePoint(keys.get(a), keys.get(b));
        });
        int[] position = new int[size];
        int[] at = new int[size];
        for (int i = 0; i < size; i++) {
            at[i] = i < starts ? i : order[i - starts];
            position[at[i]] = i;
        }
        Result result = new Result();
        result.keys = permute(found.keys, at);
        result.display = permute(found.display, at);
        result.classes = permute(found.classes, at);
        result.names = permute(found.names, at);
        result.owners = permute(found.owners, at);
        result.statuses = permute(found.statuses, at);
        result.minMembersUp = permute(found.minMembersUp, at);
        result.members = permute(found.members, at);
        result.depths = new ArrayList<>(size);
        result.parents = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            result.depths.add((long) levels.get(at[i]));
            result.parents.add(parent[at[i]] < 0 ? -1L : position[parent[at[i]]]);
        }
        result.edges = new ArrayList<>(edges.size());
        for (int e = 0; e < edges.size(); e += 3) {
            result.edges.add((long) position[(int) edges.get(e)]);
            result.edges.add((long) position[(int) edges.get(e + 1)]);
            result.edges.add(edges.get(e + 2));
        }
        return result;
    }

    private static <T> List<T> permute(List<T> values, int[] at) {
        List<T> result = new ArrayList<>(at.length);
        for (int i : at) {
            result.add(values.get(i));
        }
        return result;
    }

    /** Strings in the order of their code points, as Python compares them. */
    static int byCodePoint(String a, String b) {
        a = a == null ? "" : a;
        b = b == null ? "" : b;
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Boolean.compare(i < a.length(), j < b.length());
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
