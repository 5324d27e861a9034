"""Built-in workflow stages, one module per link of the chain (each registers its stages)."""
