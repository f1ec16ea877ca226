from strategy.converters import CodeConverter


class MeasureCodeConverter(CodeConverter):
    regex = r"[A-Z]{2,4}-\d{1,2}\.\d{1,4}"


class TagSlugConverter(CodeConverter):
    regex = r"[-\w]+"
