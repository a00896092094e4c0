"""ringto.net"""
