"""e-Transport's REST API (SPEC-ANAF-API §7): declarations, UITs, status, lists and the carrier lookup."""
