"""kam's own locale formats (Django's FORMAT_MODULE_PATH), over Django's per-language ones.

Django's zh_Hans formats group by four with no separator, so a Chinese page printed
118495519.42 where an English one printed 118,495,519.42. Business documents in China group by
thousands with a comma (千分位), and so do kam's pages in both languages.
"""
