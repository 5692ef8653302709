"""What newsgen does besides building: deploy a built site, start an article, start a site."""
