package dev.graphledger.neo4j;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
import org.neo4j.values.AnyValue;
import org.neo4j.values.storable.TextValue;
import org.neo4j.values.storable.Value;
import org.neo4j.values.storable.Values;

/**
 * graphledger.region: the part of the CI graph a walk reaches, in one call.
 *
 * <p>Breadth-first from the start CIs, following each relationship type in the direction the caller
 * gives (inbound: against the arrow, outbound: along it, both: either way), up to maxDepth steps and
 * at most `limit` CIs besides the starts (the CIs found by then still get every edge among them).
 * Each CI is visited once, so the work is linear in the CIs and relationships met; no path is ever
 * enumerated. What comes back is one row of parallel columns: the CIs reached in the product's order
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
        // The shown texts stay the store's own values, handed to Bolt as they were read.
        public List<Object> display;
        public List<Object> classes;
        public List<Object> names;
        public List<Object> owners;
        public List<Object> statuses;
        public List<Object> minMembersUp;
        // The numeric columns are packed as little-endian 32-bit integers (see packed).
        public byte[] members; // per CI: how many CIs are its members (MEMBER_OF towards it)
        public byte[] depths; // per CI: steps from the nearest start
        public byte[] parents; // per CI: index of the CI it is first reached from, -1 for starts
        public byte[] edges; // per walked relationship: from index, to index, type index
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
        int memberOf = tokens.relationshipType("MEMBER_OF");

        LongIntHashMap index = new LongIntHashMap();
        LongArrayList reached = new LongArrayList();
        IntArrayList levels = new IntArrayList();
        IntArrayList edges = new IntArrayList();
        IntArrayList members = new IntArrayList();
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
                        members.add(0);
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
                    // A group's member count comes from this same pass: every reached CI is
                    // expanded, and MEMBER_OF, when followed at all, is read both ways. When it is
                    // not followed no member edge comes back, so no count is needed.
                    int memberCount = 0;
                    while (relationships.next()) {
                        int type = relationships.type();
                        boolean atTarget = relationships.targetNodeReference() == from;
                        if (type == memberOf && atTarget) {
                            memberCount++;
                        }
                        int typeIndex = steps.followed(
                                type, atTarget, relationships.sourceNodeReference() == from);
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
                            members.add(0);
                            details.add(other);
                        }
                        edges.add(i);
                        edges.add(seen);
                        edges.add(typeIndex);
                    }
                    members.set(i, memberCount);
                }
                levelStart = levelEnd;
                depth++;
            }
            Result result = canonical(details.result, starts, levels, members, edges);
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
        private final Value[] values = new Value[SHOWN.length];

        Details(TokenRead tokens, PropertyCursor properties) {
            this.properties = properties;
            for (int k = 0; k < SHOWN.length; k++) {
                keyTokens[k] = tokens.propertyKey(SHOWN[k]);
            }
            shown = PropertySelection.selection(Arrays.stream(keyTokens).filter(t -> t >= 0).toArray());
            result.keys = new ArrayList<>();
            result.display = new ArrayList<>();
            result.classes = new ArrayList<>();
            result.names = new ArrayList<>();
            result.owners = new ArrayList<>();
            result.statuses = new ArrayList<>();
            result.minMembersUp = new ArrayList<>();
        }

        /** Append the CI the cursor stands on. */
        void add(NodeCursor node) {
            Arrays.fill(values, null);
            node.properties(properties, shown);
            while (properties.next()) {
                int key = properties.propertyKey();
                for (int k = 0; k < keyTokens.length; k++) {
                    if (keyTokens[k] == key) {
                        values[k] = properties.propertyValue();
                    }
                }
            }
            result.keys.add(values[0] == null ? null : String.valueOf(values[0].asObjectCopy()));
            result.display.add(text(values[1]));
            result.classes.add(text(values[2]));
            result.names.add(text(values[3]));
            result.owners.add(text(values[4]));
            result.statuses.add(text(values[5]));
            result.minMembersUp.add(values[6] == null ? Values.NO_VALUE : values[6]);
        }
    }

    /**
     * The reached CIs in the order the product lists them, each with its distance and the CI it is
     * reached from: the starts as given, then by distance, then by the key of that CI, then by
     * key. A CI's parent is the lowest-keyed CI one step nearer with a walked relationship to it,
     * keys compared by code point. impact/engine.py's breadth_first defines the same order for the
     * walks it does itself, and a test holds the two to it.
     *
     * <p>The keys are sorted once; after that parents and places are chosen by rank, and the CIs
     * past the starts are put in order by one primitive sort of (distance, parent rank, rank).
     */
    private static Result canonical(
            Result found, int starts, IntArrayList levels, IntArrayList members, IntArrayList edges) {
        int size = found.keys.size();
        List<String> keys = found.keys;
        Integer[] byKey = new Integer[size];
        for (int i = 0; i < size; i++) {
            byKey[i] = i;
        }
        Arrays.sort(byKey, (a, b) -> byCodePoint(keys.get(a), keys.get(b)));
        int[] rank = new int[size];
        for (int r = 0; r < size; r++) {
            rank[byKey[r]] = r;
        }
        int[] parent = new int[size];
        Arrays.fill(parent, -1);
        for (int e = 0; e < edges.size(); e += 3) {
            int from = edges.get(e);
            int to = edges.get(e + 1);
            if (levels.get(to) == levels.get(from) + 1 && (parent[to] < 0 || rank[from] < rank[parent[to]])) {
                parent[to] = from;
            }
        }
        int bits = 32 - Integer.numberOfLeadingZeros(Math.max(size, 1));
        long mask = (1L << bits) - 1;
        int maxLevel = 0;
        for (int i = 0; i < size; i++) {
            maxLevel = Math.max(maxLevel, levels.get(i));
        }
        if (2 * bits + 32 - Integer.numberOfLeadingZeros(maxLevel) > 63) {
            throw new IllegalArgumentException("a region of " + size + " CIs over " + maxLevel
                    + " levels is too large to order");
        }
        long[] sortKeys = new long[size - starts];
        for (int i = starts; i < size; i++) {
            sortKeys[i - starts] = ((long) levels.get(i) << (2 * bits)) | ((long) rank[parent[i]] << bits) | rank[i];
        }
        Arrays.sort(sortKeys);
        int[] position = new int[size];
        int[] at = new int[size];
        for (int i = 0; i < size; i++) {
            at[i] = i < starts ? i : byKey[(int) (sortKeys[i - starts] & mask)];
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
        ByteBuffer depths = packed(size);
        ByteBuffer parents = packed(size);
        ByteBuffer memberCounts = packed(size);
        for (int i = 0; i < size; i++) {
            depths.putInt(levels.get(at[i]));
            parents.putInt(parent[at[i]] < 0 ? -1 : position[parent[at[i]]]);
            memberCounts.putInt(members.get(at[i]));
        }
        ByteBuffer walked = packed(edges.size());
        for (int e = 0; e < edges.size(); e += 3) {
            walked.putInt(position[edges.get(e)]);
            walked.putInt(position[edges.get(e + 1)]);
            walked.putInt(edges.get(e + 2));
        }
        result.depths = depths.array();
        result.parents = parents.array();
        result.members = memberCounts.array();
        result.edges = walked.array();
        return result;
    }

    /**
     * Room for `count` 32-bit integers, little-endian. The numeric columns go back as bytes: one
     * value for Cypher to hand over instead of one boxed value per number, which cost more than
     * reading the CIs from the store.
     */
    private static ByteBuffer packed(int count) {
        return ByteBuffer.allocate(4 * count).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static <T> List<T> permute(List<T> values, int[] at) {
        List<T> result = new ArrayList<>(at.length);
        for (int i : at) {
            result.add(values.get(i));
        }
        return result;
    }

    /**
     * Strings in the order of their code points, as Python compares them. UTF-16 order is the
     * same except where a surrogate (half of a character beyond U+FFFF) meets a character from
     * U+E000 up: the surrogate's character is the larger.
     */
    static int byCodePoint(String a, String b) {
        a = a == null ? "" : a;
        b = b == null ? "" : b;
        int common = Math.min(a.length(), b.length());
        for (int i = 0; i < common; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                boolean xs = Character.isSurrogate(x);
                if (xs != Character.isSurrogate(y)) {
                    return xs ? 1 : -1;
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }

    /** A shown property as text: a string as the store holds it, anything else spelled out. */
    private static AnyValue text(Value value) {
        if (value == null) {
            return Values.NO_VALUE;
        }
        return value instanceof TextValue ? value : Values.stringValue(String.valueOf(value.asObjectCopy()));
    }
}
