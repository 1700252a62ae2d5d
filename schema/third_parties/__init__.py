"""Third parties (P4.2, P8): providers, NDAs, delivery manifests, disclosures, provision records."""
