"""Managed servers watched 24x7 (hosting art. 3.2, 5, 6, 14): inventory, checks with Icinga 2 state
semantics, alerts, escalation, downtimes, availability and HA credits.
"""
