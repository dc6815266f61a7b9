"""Mock ANAF: developer portal, OAuth 2.0 server at ANAF's paths, TestOauth API and control plane."""
