"""The support desk (hosting art. 3.3, 3.4, 5, 14): tickets, e-mail in, emergencies, interventions
and the SLA clock, quotas, advice time, credits into billing.
"""
