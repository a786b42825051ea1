"""Server-rendered pages of the MoU app: drafting and versions, review and signing."""
