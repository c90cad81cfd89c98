"""Use cases between the program and the domain: intake, the statement view,
reports, exports, documents, imports."""
