//! The quality gate: SKOS integrity, qSKOS quality issues, glossary rules and SHACL shapes.
