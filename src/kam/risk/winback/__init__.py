"""The win-back plan of a drifting account (DOMAIN §10): reasons proposed from evidence and
confirmed by the manager, interventions carried out by activities, the outcome recorded."""
