"""The graph side: Neo4j connection, Cypher loading, the class and relationship registries."""
