"""Credit-risk classification (企业信用风险分类, 国市监信发〔2022〕6号): indicators read from the
archive, scored by versioned models into classes A-D, stored, kept current and back-tested.

Results are internal supervision data: never public, not a credit rating."""
