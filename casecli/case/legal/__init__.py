"""The child's legal pathway: asylum or refugee claims and their status, age assessments (the
authority's steps and incidents join here). Each is a row of the `legal` table, of its kind."""

# The form of each kind of legal record, and the answer that dates it.
FORMS = {"asylum_claim": "asylum-claim", "asylum_status": "asylum-status", "age_assessment": "age-assessment"}
DATES = {"asylum_claim": "filed_on", "asylum_status": "status_on", "age_assessment": "assessed_on"}
