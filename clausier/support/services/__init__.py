"""The support desk's workflows, one module per job (tickets, attachments, emergencies,
credits, advice); `contract` gives a client's pack and office calendar."""
