"""Third parties (P4.2, P8): delivery manifests, disclosures, provision records, transfers."""
