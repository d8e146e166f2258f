"""A native Excel bar chart (DrawingML) for the streaming writer: the Summary's findings by area and
severity, stacked, drawn from the sheet's own cells (so it stays true if a manager edits them)."""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape

C_NS = "http://schemas.openxmlformats.org/drawingml/2006/chart"
A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
DRAWING_TYPE = "application/vnd.openxmlformats-officedocument.drawing+xml"
CHART_TYPE = "application/vnd.openxmlformats-officedocument.drawingml.chart+xml"


@dataclass
class BarChart:
    """A stacked horizontal bar chart: categories in ``category_col`` rows ``first_row``..``last_row``,
    one series per column of ``series`` (letter, header row, RGB fill), anchored at ``anchor`` (col, row; 0-based)."""

    title: str
    sheet: str
    category_col: str
    first_row: int
    last_row: int
    header_row: int
    series: list[tuple[str, str]]  # (column letter, RGB like F8CBAD)
    anchor: tuple[int, int] = (7, 1)
    size: tuple[int, int] = (9, 22)  # columns, rows

    def ref(self, col: str, first: int, last: int | None = None) -> str:
        quoted = "'" + self.sheet.replace("'", "''") + "'"
        return f"{quoted}!${col}${first}" + (f":${col}${last}" if last is not None else "")

    def chart_xml(self) -> str:
        series = "".join(
            f'<c:ser><c:idx val="{i}"/><c:order val="{i}"/>'
            f"<c:tx><c:strRef><c:f>{escape(self.ref(col, self.header_row))}</c:f></c:strRef></c:tx>"
            f'<c:spPr><a:solidFill><a:srgbClr val="{rgb}"/></a:solidFill></c:spPr><c:invertIfNegative val="0"/>'
            f"<c:cat><c:strRef><c:f>{escape(self.ref(self.category_col, self.first_row, self.last_row))}</c:f></c:strRef></c:cat>"
            f"<c:val><c:numRef><c:f>{escape(self.ref(col, self.first_row, self.last_row))}</c:f></c:numRef></c:val></c:ser>"
            for i, (col, rgb) in enumerate(self.series))
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<c:chartSpace xmlns:c="{C_NS}" xmlns:a="{A_NS}" xmlns:r="{R_NS}"><c:chart>'
            f"<c:title><c:tx><c:rich><a:bodyPr/><a:p><a:r><a:t>{escape(self.title)}</a:t></a:r></a:p></c:rich></c:tx>"
            '<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>'
            '<c:barChart><c:barDir val="bar"/><c:grouping val="stacked"/><c:varyColors val="0"/>'
            f'{series}<c:gapWidth val="60"/><c:overlap val="100"/><c:axId val="101"/><c:axId val="102"/></c:barChart>'
            '<c:catAx><c:axId val="101"/><c:scaling><c:orientation val="maxMin"/></c:scaling><c:delete val="0"/>'
            '<c:axPos val="l"/><c:crossAx val="102"/></c:catAx>'
            '<c:valAx><c:axId val="102"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/>'
            '<c:axPos val="b"/><c:majorGridlines/><c:crossAx val="101"/></c:valAx></c:plotArea>'
            '<c:legend><c:legendPos val="b"/><c:overlay val="0"/></c:legend><c:plotVisOnly val="1"/></c:chart></c:chartSpace>')

    def drawing_xml(self) -> str:
        (col, row), (width, height) = self.anchor, self.size
        return (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
            f'xmlns:a="{A_NS}"><xdr:twoCellAnchor>'
            f"<xdr:from><xdr:col>{col}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from>"
            f"<xdr:to><xdr:col>{col + width}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>{row + height}</xdr:row>"
            "<xdr:rowOff>0</xdr:rowOff></xdr:to>"
            '<xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="2" name="Chart 1"/><xdr:cNvGraphicFramePr/>'
            '</xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            f'<a:graphicData uri="{C_NS}"><c:chart xmlns:c="{C_NS}" xmlns:r="{R_NS}" r:id="rId1"/></a:graphicData>'
            "</a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>")


def drawing_rels() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{REL}/chart" Target="../charts/chart1.xml"/></Relationships>')
