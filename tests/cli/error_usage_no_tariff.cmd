yibao estimate examples/bills/critical-illness-anhui.json
