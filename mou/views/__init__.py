"""Server-rendered pages of the MoU app: the MoU (mous), its clauses, versions, reviews,
signing and obligations; `common` holds what they share."""
