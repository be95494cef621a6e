"""Letter batches: one letter to many, started in a request and sent by the task worker."""
