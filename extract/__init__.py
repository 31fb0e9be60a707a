"""From paragraphs to facts: quantities, metrics, entities, projects. No I/O here."""
