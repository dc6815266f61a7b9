"""The demo's pages, one blueprint per concern."""
