"""Issuing and documents: invoices and their numbering, credit notes, prepaid credits,
funders, balances; the PDF and Factur-X documents.

Imports only the models (and the low modules beside them); never subscriptions nor payments.
"""
