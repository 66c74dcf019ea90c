"""The monitoring service's workflows, one module each (importing downward only):

contract (pack and office calendar of a server) < inventory (servers, services, the
LAMP template) < alerts (who is told, through the outbox) < results (one check result
through the state machine) < operations (acknowledgements, downtimes, escalations due,
ends of downtimes, retention, watchdog) < availability (month figures, HA credits).
"""
