"""The floor under the three services: clock, journal, faults, control plane, SQLite, settings, serving, ANAF's surface.

Nothing here imports `mock_anaf`, `mock_sbs`, `demo_app` or `sandbox`; they all import this.
"""
