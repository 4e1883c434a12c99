"""What a service costs through its dependency graph, shared infrastructure apportioned."""
