"""The child's legal pathway: asylum claims and the steps of their procedure, age assessments (the
authority's steps and incidents join here). Each is a row of the `legal` table, of its kind."""

# The form of each kind of legal record, and the answer that dates it.
FORMS = {
    "asylum_claim": "asylum-claim",
    "asylum_step": "asylum-step",
    "age_assessment": "age-assessment",
    "incident": "incident",
    "incident_report": "incident-report",
    "authority_notification": "authority-notification",
    "restitution_plan": "restitution-plan",
    "restitution_elsewhere": "restitution-elsewhere",
}
DATES = {
    "asylum_claim": "entered_on",
    "asylum_step": "step_on",
    "age_assessment": "assessed_on",
    "incident": "occurred_on",
    "incident_report": "reported_on",
    "authority_notification": "notified_on",
    "restitution_plan": "received_on",
    "restitution_elsewhere": "marked_on",
}
