"""The ANAF OAuth sandbox: launcher, seeding, shared control plane and pytest plugin."""
