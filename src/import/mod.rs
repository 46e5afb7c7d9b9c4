//! Importers: glossary pages, SKOS vocabularies and spreadsheets become glossgraph sources.
