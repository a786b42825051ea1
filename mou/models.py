"""The MoU between the Government of Pakistan and BGI Group: clauses, versions, signing."""
