"""Credit repair (信用修复) over GraphQL: supervisors' mutations and the list of applications."""
