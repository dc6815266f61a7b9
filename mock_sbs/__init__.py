"""Mock SBS: Account API, Organizations and RO ANAF OAuth GraphQL services."""
