"""ringto.store"""
