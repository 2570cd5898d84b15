"""The audit trail for supervisors: who touched an enterprise's data, why and when."""
