"""Subscription lifecycle: plans, periods and their schedule, commitment and contract terms,
price changes and revisions, acceleration and overage; the billing run in batches.

Imports invoicing (to issue) and the models; never payments.
"""
