"""Demo tenant app: a customer web app with custom ANAF callback URLs."""
