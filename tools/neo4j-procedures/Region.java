package dev.graphledger.neo4j;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.graphdb.Direction;
import org.neo4j.graphdb.Label;
import org.neo4j.graphdb.Node;
import org.neo4j.graphdb.Relationship;
import org.neo4j.graphdb.RelationshipType;
import org.neo4j.graphdb.Transaction;
import org.neo4j.procedure.Context;
import org.neo4j.procedure.Description;
import org.neo4j.procedure.Mode;
import org.neo4j.procedure.Name;
import org.neo4j.procedure.Procedure;

/**
 * graphledger.region: the part of the CI graph a walk reaches, in one call.
 *
 * <p>Breadth-first from the start CIs, following each relationship type in the direction the caller
 * gives (inbound: against the arrow, outbound: along it, both: either way), up to maxDepth steps and
 * at most `limit` CIs besides the starts (the CIs found by then still get every edge among them). Each CI is visited once, so the work is linear in the CIs
 * and relationships met; no path is ever enumerated. What comes back is one row of parallel lists:
 * the CIs reached (starts first, then in the order they were found, with the details the product
 * shows and what redundancy needs), every walked relationship among them as index triples (from,
 * to, type), and whether anything lies beyond maxDepth. The caller derives distances,
 * one shortest path per CI and the down/degraded states from that, so the rules live in one place.
 */
public class Region {

    private static final Label CI = Label.label("CI");
    private static final RelationshipType MEMBER_OF = RelationshipType.withName("MEMBER_OF");

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
        public List<Long> edges;
        public List<String> types;
        public boolean beyondDepth;
    }

    private record Step(RelationshipType type, Direction direction, long typeIndex) {}

    @Procedure(name = "graphledger.region", mode = Mode.READ)
    @Description("The CIs a breadth-first walk reaches and the walked relationships among them.")
    public Stream<Result> region(
            @Name("keys") List<String> keys,
            @Name("inbound") List<String> inbound,
            @Name("outbound") List<String> outbound,
            @Name("both") List<String> both,
            @Name("maxDepth") long maxDepth,
            @Name("limit") long limit) {
        List<String> types = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        addSteps(steps, types, inbound, Direction.INCOMING);
        addSteps(steps, types, outbound, Direction.OUTGOING);
        addSteps(steps, types, both, Direction.BOTH);

        Map<Node, Integer> index = new HashMap<>();
        List<Node> reached = new ArrayList<>();
        for (String key : keys) {
            Node start = tx.findNode(CI, "key_lc", key);
            if (start != null && index.putIfAbsent(start, reached.size()) == null) {
                reached.add(start);
            }
        }
        int starts = reached.size();
        List<Long> edges = new ArrayList<>();
        boolean beyondDepth = false;
        int levelStart = 0;
        long depth = 0;
        while (levelStart < reached.size()) {
            int levelEnd = reached.size();
            for (int i = levelStart; i < levelEnd; i++) {
                Node from = reached.get(i);
                for (Step step : steps) {
                    for (Relationship r : from.getRelationships(step.direction(), step.type())) {
                        Node to = r.getOtherNode(from);
                        Integer seen = index.get(to);
                        if (seen == null) {
                            if (!to.hasLabel(CI)) {
                                continue;
                            }
                            if (depth >= maxDepth) {
                                beyondDepth = true;
                                continue;
                            }
                            if (reached.size() - starts >= limit) {
                                // Full: the CIs already found still get every edge among them;
                                // the caller sees more than it asked for and marks the cut.
                                continue;
                            }
                            seen = reached.size();
                            index.put(to, seen);
                            reached.add(to);
                        }
                        edges.add((long) i);
                        edges.add((long) seen);
                        edges.add(step.typeIndex());
                    }
                }
            }
            levelStart = levelEnd;
            depth++;
        }

        Result result = new Result();
        int size = reached.size();
        result.keys = new ArrayList<>(size);
        result.display = new ArrayList<>(size);
        result.classes = new ArrayList<>(size);
        result.names = new ArrayList<>(size);
        result.owners = new ArrayList<>(size);
        result.statuses = new ArrayList<>(size);
        result.minMembersUp = new ArrayList<>(size);
        result.members = new ArrayList<>(size);
        for (Node node : reached) {
            Map<String, Object> p = node.getProperties("key_lc", "key", "class", "name", "owner", "status",
                    "min_members_up");
            result.keys.add((String) p.get("key_lc"));
            result.display.add(text(p.get("key")));
            result.classes.add(text(p.get("class")));
            result.names.add(text(p.get("name")));
            result.owners.add(text(p.get("owner")));
            result.statuses.add(text(p.get("status")));
            result.minMembersUp.add(p.get("min_members_up"));
            result.members.add((long) node.getDegree(MEMBER_OF, Direction.INCOMING));
        }
        result.edges = edges;
        result.types = types;
        result.beyondDepth = beyondDepth;
        return Stream.of(result);
    }

    private static void addSteps(List<Step> steps, List<String> types, List<String> names, Direction direction) {
        for (String name : names) {
            types.add(name);
            steps.add(new Step(RelationshipType.withName(name), direction, types.size() - 1));
        }
    }

    private static String text(Object value) {
        return value == null ? null : value.toString();
    }
}
