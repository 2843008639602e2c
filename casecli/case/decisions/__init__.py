"""What people decide about a case, beside the steps: a supervisor's approvals, the child's and the
caregiver's consent, Best Interests Assessments and Determination panels (BIA/BID), case
conferences and the follow-up actions they agree (`panels`: the parts both meetings share), links
between two cases and the possible duplicates to decide on. Best interests and conferences do not
import each other (a contract)."""
