"""The console's routes, one module per area; each has `register(bp, console)`."""
