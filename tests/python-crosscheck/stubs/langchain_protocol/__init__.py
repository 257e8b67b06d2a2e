"""Stand-in for langchain-protocol, a types-only dependency of langchain-core 1.6.5 missing from this machine's
package index. Every name langchain-core imports from it is a TypedDict; calling a TypedDict builds a plain dict,
which is what each name here does. Nothing of the wire behaviour under test (HTTP requests and their parsing) is in
that package."""
