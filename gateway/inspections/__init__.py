""""Double random, one public" inspections (双随机、一公开): the inspector directory, inspection
tasks, the verifiable draw of enterprises and inspectors, and the results, which enter the
archive as INSPECTION records of the gateway's own source."""
